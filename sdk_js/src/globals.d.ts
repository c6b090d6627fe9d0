/** The worker bundle's source, inlined by scripts/build.mjs (empty under vitest). */
declare const __WORKER_SRC__: string;
