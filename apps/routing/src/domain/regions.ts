import type { LocalizedText } from '@shagym/contracts';

/** The 17 regions and 3 cities of republican significance of Kazakhstan (since 2022). */
export const REGIONS: ReadonlyArray<{ code: string; name: LocalizedText; city?: true }> = [
  { code: 'ABAI', name: { ru: 'Абайская область', kk: 'Абай облысы', en: 'Abai Region' } },
  { code: 'AKMOLA', name: { ru: 'Акмолинская область', kk: 'Ақмола облысы', en: 'Akmola Region' } },
  { code: 'AKTOBE', name: { ru: 'Актюбинская область', kk: 'Ақтөбе облысы', en: 'Aktobe Region' } },
  { code: 'ALMATY_REGION', name: { ru: 'Алматинская область', kk: 'Алматы облысы', en: 'Almaty Region' } },
  { code: 'ATYRAU', name: { ru: 'Атырауская область', kk: 'Атырау облысы', en: 'Atyrau Region' } },
  { code: 'EAST_KAZAKHSTAN', name: { ru: 'Восточно-Казахстанская область', kk: 'Шығыс Қазақстан облысы', en: 'East Kazakhstan Region' } },
  { code: 'ZHAMBYL', name: { ru: 'Жамбылская область', kk: 'Жамбыл облысы', en: 'Zhambyl Region' } },
  { code: 'ZHETYSU', name: { ru: 'Область Жетісу', kk: 'Жетісу облысы', en: 'Zhetysu Region' } },
  { code: 'WEST_KAZAKHSTAN', name: { ru: 'Западно-Казахстанская область', kk: 'Батыс Қазақстан облысы', en: 'West Kazakhstan Region' } },
  { code: 'KARAGANDA', name: { ru: 'Карагандинская область', kk: 'Қарағанды облысы', en: 'Karaganda Region' } },
  { code: 'KOSTANAY', name: { ru: 'Костанайская область', kk: 'Қостанай облысы', en: 'Kostanay Region' } },
  { code: 'KYZYLORDA', name: { ru: 'Кызылординская область', kk: 'Қызылорда облысы', en: 'Kyzylorda Region' } },
  { code: 'MANGYSTAU', name: { ru: 'Мангистауская область', kk: 'Маңғыстау облысы', en: 'Mangystau Region' } },
  { code: 'PAVLODAR', name: { ru: 'Павлодарская область', kk: 'Павлодар облысы', en: 'Pavlodar Region' } },
  { code: 'NORTH_KAZAKHSTAN', name: { ru: 'Северо-Казахстанская область', kk: 'Солтүстік Қазақстан облысы', en: 'North Kazakhstan Region' } },
  { code: 'TURKISTAN', name: { ru: 'Туркестанская область', kk: 'Түркістан облысы', en: 'Turkistan Region' } },
  { code: 'ULYTAU', name: { ru: 'Область Ұлытау', kk: 'Ұлытау облысы', en: 'Ulytau Region' } },
  { code: 'ASTANA', name: { ru: 'город Астана', kk: 'Астана қаласы', en: 'Astana' }, city: true },
  { code: 'ALMATY', name: { ru: 'город Алматы', kk: 'Алматы қаласы', en: 'Almaty' }, city: true },
  { code: 'SHYMKENT', name: { ru: 'город Шымкент', kk: 'Шымкент қаласы', en: 'Shymkent' }, city: true },
];

export const REGION_CODES: ReadonlySet<string> = new Set(REGIONS.map((r) => r.code));

export function regionByCode(code: string) {
  return REGIONS.find((r) => r.code === code);
}

/**
 * Place names (ru/kk stems, lower case) that identify a region in a postal address. Checked
 * in order: cities of republican significance before regions, so "Алматы" is the city unless
 * the address names "Алматинская область".
 */
const PLACES: ReadonlyArray<[string, string]> = [
  ['алматинская', 'ALMATY_REGION'],
  ['алматы облысы', 'ALMATY_REGION'],
  ['астана', 'ASTANA'],
  ['алматы', 'ALMATY'],
  ['шымкент', 'SHYMKENT'],
  ['мангист', 'MANGYSTAU'],
  ['маңғыстау', 'MANGYSTAU'],
  ['мангыстау', 'MANGYSTAU'],
  ['актау', 'MANGYSTAU'],
  ['ақтау', 'MANGYSTAU'],
  ['жанаозен', 'MANGYSTAU'],
  ['жаңаөзен', 'MANGYSTAU'],
  ['бейнеу', 'MANGYSTAU'],
  ['форт-шевченко', 'MANGYSTAU'],
  ['атырау', 'ATYRAU'],
  ['актоб', 'AKTOBE'],
  ['ақтөбе', 'AKTOBE'],
  ['уральск', 'WEST_KAZAKHSTAN'],
  ['орал', 'WEST_KAZAKHSTAN'],
  ['западно-казахстан', 'WEST_KAZAKHSTAN'],
  ['караганд', 'KARAGANDA'],
  ['қарағанды', 'KARAGANDA'],
  ['жезказган', 'ULYTAU'],
  ['ұлытау', 'ULYTAU'],
  ['улытау', 'ULYTAU'],
  ['костанай', 'KOSTANAY'],
  ['қостанай', 'KOSTANAY'],
  ['кызылорд', 'KYZYLORDA'],
  ['қызылорда', 'KYZYLORDA'],
  ['павлодар', 'PAVLODAR'],
  ['петропавловск', 'NORTH_KAZAKHSTAN'],
  ['северо-казахстан', 'NORTH_KAZAKHSTAN'],
  ['туркестан', 'TURKISTAN'],
  ['түркістан', 'TURKISTAN'],
  ['тараз', 'ZHAMBYL'],
  ['жамбыл', 'ZHAMBYL'],
  ['талдыкорган', 'ZHETYSU'],
  ['жетісу', 'ZHETYSU'],
  ['жетысу', 'ZHETYSU'],
  ['семей', 'ABAI'],
  ['абайская', 'ABAI'],
  ['абай облысы', 'ABAI'],
  ['усть-каменогорск', 'EAST_KAZAKHSTAN'],
  ['өскемен', 'EAST_KAZAKHSTAN'],
  ['восточно-казахстан', 'EAST_KAZAKHSTAN'],
  ['кокшетау', 'AKMOLA'],
  ['көкшетау', 'AKMOLA'],
  ['акмолин', 'AKMOLA'],
  ['ақмола', 'AKMOLA'],
];

/** The region a postal address names, or null when it names none (R12 routing falls back then). */
export function regionOfAddress(address: string | undefined | null): string | null {
  if (!address) return null;
  const text = address.toLowerCase();
  for (const [stem, code] of PLACES) if (text.includes(stem)) return code;
  return null;
}
