// Hand-written types for the parts of the backend API the app uses today.
// Once the backend publishes its schema, `npm run gen:api` writes the
// generated equivalents to src/api/schema.d.ts.

/** A UUID string. */
export type Uuid = string;
/** An ISO 8601 date-time string, e.g. "2025-01-31T09:30:00Z". */
export type IsoDateTime = string;

/** The body of every 4xx/5xx response. */
export interface ApiErrorBody {
  code: string;
  detail: string;
  fields: Record<string, string[]>;
}

/** The body of 200/202 responses that only carry a message. */
export interface DetailResponse {
  detail: string;
}

export interface User {
  id: Uuid;
  email: string;
  display_name: string;
  email_verified: boolean;
  date_joined: IsoDateTime;
}

export interface ApiToken {
  id: Uuid;
  name: string;
  /** The first characters of the secret, including "sk_". */
  prefix: string;
  created_at: IsoDateTime;
  last_used_at: IsoDateTime | null;
}

/** Only the create response carries the full secret. */
export interface NewApiToken extends ApiToken {
  token: string;
}

export interface ApiTokenList {
  results: ApiToken[];
}

export interface SignupRequest {
  email: string;
  password: string;
  display_name: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface PasswordResetConfirmRequest {
  uid: string;
  token: string;
  new_password: string;
}

export interface PasswordChangeRequest {
  current_password: string;
  new_password: string;
}
