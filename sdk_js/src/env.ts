// Environment collection: runs every registered source, isolating failures. A source
// that throws or times out adds an `errors` entry and leaves its fields out; that is
// its own state for the server, never "bot".
import type { Environment, SourceError } from "./types";

export interface EnvSource {
  collect(win: Window): Partial<Environment> | Promise<Partial<Environment>>;
}

const SOURCE_TIMEOUT_MS = 400;

export const short = (s: unknown, max = 128): string => String(s).slice(0, max);

export async function collectEnv(sources: Record<string, EnvSource>, win: Window): Promise<Environment> {
  const env: Environment = {};
  const errors: SourceError[] = [];
  await Promise.all(
    Object.entries(sources).map(async ([name, source]) => {
      try {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("timeout")), SOURCE_TIMEOUT_MS);
        });
        const part = await Promise.race([Promise.resolve().then(() => source.collect(win)), timeout]);
        clearTimeout(timer);
        Object.assign(env, part);
      } catch (err) {
        errors.push({ source: short(name), error: short(err instanceof Error ? err.message : err, 512) });
      }
    }),
  );
  if (errors.length) env.errors = errors.slice(0, 64);
  return env;
}
