// Suggestions for the set-up's and the Settings screen's fields: the time
// zones and locales the web view knows. Only suggestions: the core checks
// what is typed.

/** IANA time zones, for a datalist. */
export function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}
