/** Runtime settings read from config.json beside index.html, so that one build serves every deployment. */
export interface AppConfig {
  /** Where the API answers, e.g. "https://search.example.com" or "/imagesearch"; "" is the page's own origin. */
  apiBase: string;
  /** An ISO 4217 code to show prices as money (e.g. "EUR"); without it prices show as plain numbers. */
  currency?: string;
}

export const defaultConfig: AppConfig = { apiBase: '' };

/** Checks a parsed config.json; anything missing or of the wrong type falls back to the default. */
export function parseConfig(raw: unknown): AppConfig {
  const config: AppConfig = { ...defaultConfig };
  if (typeof raw !== 'object' || raw === null) return config;
  const record = raw as Record<string, unknown>;
  if (typeof record.apiBase === 'string') config.apiBase = record.apiBase.replace(/\/+$/, '');
  if (typeof record.currency === 'string' && /^[A-Za-z]{3}$/.test(record.currency)) {
    config.currency = record.currency.toUpperCase();
  }
  return config;
}

/** Fetches config.json next to the page; a missing or broken file means the defaults (same origin). */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  try {
    const response = await fetchImpl('config.json', { cache: 'no-cache' });
    if (!response.ok) return { ...defaultConfig };
    return parseConfig(await response.json());
  } catch {
    return { ...defaultConfig };
  }
}
