// The API's shapes, taken from the types generated from the backend's OpenAPI schema
// (`make api-types` regenerates schema.d.ts; `make test` fails when it is stale).
import type { components } from './schema';

type Schemas = components['schemas'];

/** A UUID string. */
export type Uuid = string;
/** An ISO 8601 date-time string, e.g. "2025-01-31T09:30:00Z". */
export type IsoDateTime = string;

/** The body of every 4xx/5xx response (core.exceptions on the server). */
export interface ApiErrorBody {
  code: string;
  detail: string;
  fields: Record<string, string[]>;
}

export type DetailResponse = Schemas['DetailOut'];
export type User = Schemas['UserOut'];
export type Session = Schemas['SessionOut'];
export type ApiToken = Schemas['ApiTokenOut'];
/** Only the create response carries the full secret. */
export type NewApiToken = Schemas['ApiTokenCreatedOut'];
export type ApiTokenList = Schemas['ApiTokenListOut'];
export type SignupRequest = Schemas['SignUpInRequest'];
export type LoginRequest = Schemas['LoginInRequest'];
export type PasswordResetConfirmRequest = Schemas['PasswordResetConfirmInRequest'];
export type PasswordChangeRequest = Schemas['PasswordChangeInRequest'];

export type Role = Schemas['RoleEnum'];
export type Permission = Schemas['PermissionsEnum'];
export type Team = Schemas['TeamOut'];
export type TeamDetail = Schemas['TeamDetailOut'];
export type TeamList = Schemas['TeamListOut'];

export type DocumentState = Schemas['StateEnum'];
export type DocumentSummary = Schemas['DocumentOut'];
export type DocumentDetail = Schemas['DocumentDetailOut'];
export type DocumentPage = Schemas['DocumentPageOut'];
export type DocumentMetadata = Schemas['DocumentMetadataOut'];
export type OutlineItem = Omit<Schemas['OutlineItemOut'], 'children'> & { children: OutlineItem[] };
export type PageText = Schemas['PageOut'];
export type PageTextList = Schemas['PageListOut'];
export type Download = Schemas['DownloadOut'];
export type UploadTicket = Schemas['UploadOut'];
export type Tag = Schemas['TagOut'];
export type Collection = Schemas['CollectionOut'];
export type UploadStartRequest = Schemas['UploadStartInRequest'];
export type UploadCompleteRequest = Schemas['UploadCompleteInRequest'];
export type CompletedPart = Schemas['CompletedPartInRequest'];
export type TagList = Schemas['TagListOut'];
export type CollectionList = Schemas['CollectionListOut'];
export type ParseErrorInfo = Schemas['ParseErrorOut'];
export type DocumentVersion = Schemas['VersionOut'];
export type VersionList = Schemas['VersionListOut'];

export type UserRef = Schemas['UserRefOut'];
export type TeamRequest = Schemas['TeamInRequest'];
export type Member = Schemas['MemberOut'];
export type MemberList = Schemas['MemberListOut'];
export type Invitation = Schemas['InvitationOut'];
export type InvitationList = Schemas['InvitationListOut'];
export type InvitationRequest = Schemas['InvitationInRequest'];
export type InvitationStatus = Schemas['StatusEnum'];
/** What an invitation link offers, readable without signing in. */
export type InvitationPreview = Schemas['InvitationPreviewOut'];
export type MyInvitation = Schemas['MyInvitationOut'];
export type MyInvitationList = Schemas['MyInvitationListOut'];
export type AuditEvent = Schemas['AuditEventOut'];
export type AuditLogPage = Schemas['AuditLogPageOut'];
/** A PATCH of a document: only the fields being changed. */
export type DocumentUpdateRequest = Schemas['PatchedDocumentUpdateInRequest'];
export type CollectionRequest = Schemas['CollectionInRequest'];

export type Annotation = Schemas['AnnotationOut'];
export type AnnotationList = Schemas['AnnotationListOut'];
export type AnnotationKind = Schemas['KindEnum'];
export type AnnotationVisibility = Schemas['VisibilityEnum'];
export type AnnotationAnchors = Schemas['AnchorsOut'];
export type AnnotationCreateRequest = Schemas['AnnotationCreateInRequest'];
export type AnnotationUpdateRequest = Schemas['PatchedAnnotationUpdateInRequest'];
/** An annotated-PDF export: made in the background, then downloaded from `download_url`. */
export type AnnotationExport = Schemas['ExportOut'];
export type Reply = Schemas['ReplyOut'];
export type UserNotification = Schemas['NotificationOut'];
export type NotificationPage = Schemas['NotificationPageOut'];
export type NotificationReadResult = Schemas['NotificationReadOut'];
