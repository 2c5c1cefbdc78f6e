import type { Rule } from '../src/engine/rule.js';
import badReference from './bad-reference.js';
import dockerHostMismatch from './docker-host-mismatch.js';
import dockerVersionSkew from './docker-version-skew.js';
import duplicateKey from './duplicate-key.js';
import includeError from './include-error.js';
import includeUnresolved from './include-unresolved.js';
import insecureDockerTcp from './insecure-docker-tcp.js';
import loginPasswordArg from './login-password-arg.js';
import missingTlsCertdir from './missing-tls-certdir.js';
import parseError from './parse-error.js';
import privilegedDind from './privileged-dind.js';
import tlsDisabled from './tls-disabled.js';
import unpinnedDockerImage from './unpinned-docker-image.js';

/** Every rule, in slug order. A test checks that each file in this folder is listed here. */
export const RULES: readonly Rule[] = [
  badReference,
  dockerHostMismatch,
  dockerVersionSkew,
  duplicateKey,
  includeError,
  includeUnresolved,
  insecureDockerTcp,
  loginPasswordArg,
  missingTlsCertdir,
  parseError,
  privilegedDind,
  tlsDisabled,
  unpinnedDockerImage,
];
