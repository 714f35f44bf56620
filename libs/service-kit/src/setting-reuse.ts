/**
 * How long an instance reuses a rarely changed setting it read from its store — directory
 * organizations, registration policies, notification preferences: each was a read per
 * complaint or per message. The instance's own changes replace its copy at once; another
 * instance's are seen within this time.
 */
export const SETTING_REUSE_MS = 5_000;
