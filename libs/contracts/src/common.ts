import { z } from 'zod';

/** A calendar date in Asia/Almaty, YYYY-MM-DD. */
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const isoTime = z.iso.datetime({ offset: true });
export const id = z.string().min(1).max(100);

export const LANGUAGES = ['ru', 'kk', 'en'] as const;
export const language = z.enum(LANGUAGES);
export type Language = z.infer<typeof language>;

/** Text in the three languages a citizen or an official reads. */
export const localizedText = z.object({ ru: z.string(), kk: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof localizedText>;

/**
 * The reader's language from a GraphQL argument. Enum default values in the schema (`= RU`)
 * reach resolvers as the external name, explicit ones as the mapped code: accept both.
 */
export function languageOf(value: string | null | undefined): Language {
  const code = (value ?? 'ru').toLowerCase();
  return (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : 'ru';
}
