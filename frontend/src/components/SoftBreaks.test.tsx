import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SoftBreaks } from './SoftBreaks';

describe('SoftBreaks', () => {
  it('lets a file name wrap after its underscores and dots, and reads the same', () => {
    const { container } = render(
      <h3>
        <SoftBreaks text="pypdf_Seige_of_Vicksburg.v2" />
      </h3>,
    );
    expect(container.querySelectorAll('wbr')).toHaveLength(4);
    expect(container.textContent).toBe('pypdf_Seige_of_Vicksburg.v2');
  });

  it('adds nothing to words without separators, nor inside a run of them', () => {
    const { container } = render(<SoftBreaks text="A study of light__cones" />);
    expect(container.querySelectorAll('wbr')).toHaveLength(1);
    expect(container.textContent).toBe('A study of light__cones');
  });
});
