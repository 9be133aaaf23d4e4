// Read by vite-plugin-svelte and svelte-check. TypeScript in <script
// lang="ts"> needs no preprocessor in Svelte 5 (type annotations only).
/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    // Every component uses runes ($state, $props); say so, so a component
    // without any is not silently compiled in legacy mode.
    runes: true,
  },
};
