/** Set at build time from PEERDIAL_SERVER_URL (vite.config.ts). */
declare const __DEFAULT_SERVER_URL__: string;
