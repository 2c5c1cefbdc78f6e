/**
 * The environment variables of the yaml package's debugging switches: set, it prints every token it
 * reads (`console.log`), into cilint's report.
 */
const YAML_DEBUG_VARIABLES = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * Replaces this thread's `process.env` with a plain copy of it, without the yaml package's debugging
 * switches. Node answers each read of `process.env` through a C++ interceptor (`getenv` on the main
 * thread), and the yaml package reads two variables for every token it lexes and composes: about 5 %
 * of the instructions of a lint went there, more in a CI job's larger environment. What the CLI
 * reads is unchanged; writes stay in this process, where they are wanted: a child process starts from
 * `process.env`, the object, and the lint's worker threads are given it (parallel.ts), since a worker
 * would otherwise start from the C environment. For the command line only: a library's host keeps
 * its own.
 */
export function detachEnvironment(): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of YAML_DEBUG_VARIABLES) delete env[name];
  process.env = env;
}
