/**
 * Below this width the outline and the annotations open over the pages rather than beside them
 * (reader.css): beside them, they would squeeze the pages to a sliver.
 */
export const PANELS_OVER_PAGES = '(max-width: 50rem)';

/** Whether a panel opened now covers the pages, so that acting on a page should close it first. */
export function panelsCoverPages(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(PANELS_OVER_PAGES).matches;
}
