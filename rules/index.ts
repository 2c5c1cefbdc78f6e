import type { Rule } from '../src/engine/rule.js';
import archivedKanikoImage from './archived-kaniko-image.js';
import badReference from './bad-reference.js';
import certsVolumeMissing from './certs-volume-missing.js';
import dindNotAllowed from './dind-not-allowed.js';
import dockerBinaryMount from './docker-binary-mount.js';
import dockerHostMismatch from './docker-host-mismatch.js';
import dockerVersionSkew from './docker-version-skew.js';
import duplicateKey from './duplicate-key.js';
import includeError from './include-error.js';
import includeUnresolved from './include-unresolved.js';
import insecureDockerTcp from './insecure-docker-tcp.js';
import k8sDindEnv from './k8s-dind-env.js';
import loginPasswordArg from './login-password-arg.js';
import missingTlsCertdir from './missing-tls-certdir.js';
import parseError from './parse-error.js';
import privilegedDind from './privileged-dind.js';
import privilegedRunner from './privileged-runner.js';
import runnerSchema from './runner-schema.js';
import schema from './schema.js';
import socketMount from './socket-mount.js';
import socketWithDind from './socket-with-dind.js';
import tlsDisabled from './tls-disabled.js';
import unpinnedDockerImage from './unpinned-docker-image.js';

/** Every rule, in slug order. A test checks that each file in this folder is listed here. */
export const RULES: readonly Rule[] = [
  archivedKanikoImage,
  badReference,
  certsVolumeMissing,
  dindNotAllowed,
  dockerBinaryMount,
  dockerHostMismatch,
  dockerVersionSkew,
  duplicateKey,
  includeError,
  includeUnresolved,
  insecureDockerTcp,
  k8sDindEnv,
  loginPasswordArg,
  missingTlsCertdir,
  parseError,
  privilegedDind,
  privilegedRunner,
  runnerSchema,
  schema,
  socketMount,
  socketWithDind,
  tlsDisabled,
  unpinnedDockerImage,
];
