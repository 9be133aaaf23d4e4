// The store's locale and time zone, as the window writes dates, times and
// amounts: set once the settings load (App.svelte), read only through
// format.ts. Reactive, so whatever was shown before the settings arrived
// is written again in the store's locale.

export const shop = $state<{ locale: string | undefined; timeZone: string | undefined }>({
  locale: undefined,
  timeZone: undefined,
});
