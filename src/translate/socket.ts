import type { JobPlan } from './plan.js';
import { DAEMON_VARIABLES, type TranslateOutcome } from './translation.js';

/**
 * The host's socket: the job keeps its docker commands and image and loses the dind service and the
 * variables that pointed at it; the runner binds `/var/run/docker.sock` instead (see `runner.ts`).
 */
export function translateSocket(plan: JobPlan): TranslateOutcome {
  const notes: string[] = [];
  const binds = plan.commands.some(
    (c) => c.invocation?.subcommand.includes('run') && c.invocation.options.some((o) => o.canonical === 'volume' || o.canonical === 'mount'),
  );
  if (binds) notes.push(`\`docker run -v\` in job \`${plan.job.name}\` now mounts paths of the runner's host, not of the job's container`);
  return {
    translation: {
      addVariables: [],
      removeVariables: [...DAEMON_VARIABLES],
      overrideVariables: [
        ['DOCKER_HOST', 'unix:///var/run/docker.sock'],
        ['DOCKER_TLS_VERIFY', ''],
      ],
      steps: new Map(),
      notes,
    },
  };
}
