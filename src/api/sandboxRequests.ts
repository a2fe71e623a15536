/**
 * Checks what a sandbox call is about to send against the API's documented
 * limits, so a bad value gets a clear message before anything leaves the
 * editor, and builds the snake_case bodies.
 */
import { withoutControlChars } from '../util/untrustedText';
import { ModboxError } from './errors';
import {
  SANDBOX_IMAGE_ID_MAX, SANDBOX_IMAGE_MAX, SANDBOX_POLL_MAX, SANDBOX_POLL_MIN, SANDBOX_TASK_ID_MAX, SANDBOX_TTL_MAX, SANDBOX_TTL_MIN,
  SANDBOX_WAIT_TIMEOUT_MAX, SANDBOX_WAIT_TIMEOUT_MIN, type ProvisionSandboxRequest,
} from './types';

/** The server's documented default for `POST /sandboxes/wait`. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 120;

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_ENV_VARS = 200;
const MAX_ENV_VALUE = 32_768;

function invalid(field: string, message: string): ModboxError {
  return new ModboxError('validation', `${field}: ${message}`, { field });
}

/** Why a task id can't be used, or undefined when it can (for validating while the user types). */
export function taskIdProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) {
    return 'Enter a task id.';
  }
  if (trimmed.length > SANDBOX_TASK_ID_MAX) {
    return `Use at most ${SANDBOX_TASK_ID_MAX} characters.`;
  }
  if (withoutControlChars(trimmed) !== trimmed) {
    return 'Use printable characters only.';
  }
  return undefined;
}

/** Why a TTL can't be used, or undefined when it can. */
export function ttlProblem(seconds: number): string | undefined {
  return Number.isInteger(seconds) && seconds >= SANDBOX_TTL_MIN && seconds <= SANDBOX_TTL_MAX
    ? undefined
    : `Use a whole number of seconds from ${SANDBOX_TTL_MIN} to ${SANDBOX_TTL_MAX}.`;
}

export function checkTaskId(value: string): string {
  const problem = taskIdProblem(value);
  if (problem) {
    throw invalid('task_id', problem);
  }
  return value.trim();
}

function checkRange(field: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw invalid(field, `Use a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** A provision request as it will be sent: trimmed, every limit checked. */
export function checkProvision(req: ProvisionSandboxRequest): ProvisionSandboxRequest {
  const out: ProvisionSandboxRequest = { taskId: checkTaskId(req.taskId) };
  if (req.imageId !== undefined) {
    const id = req.imageId.trim();
    if (!id || id.length > SANDBOX_IMAGE_ID_MAX || /\s/.test(id) || withoutControlChars(id) !== id) {
      throw invalid('image_id', 'The image id is missing or malformed.');
    }
    out.imageId = id;
  }
  if (req.image !== undefined) {
    const image = req.image.trim();
    if (!image || image.length > SANDBOX_IMAGE_MAX || withoutControlChars(image) !== image) {
      throw invalid('image', `Use 1 to ${SANDBOX_IMAGE_MAX} printable characters.`);
    }
    out.image = image;
  }
  if (req.ttlSeconds !== undefined) {
    const problem = ttlProblem(req.ttlSeconds);
    if (problem) {
      throw invalid('ttl_seconds', problem);
    }
    out.ttlSeconds = req.ttlSeconds;
  }
  if (req.envVars !== undefined) {
    const entries = Object.entries(req.envVars);
    if (entries.length > MAX_ENV_VARS) {
      throw invalid('env_vars', `Use at most ${MAX_ENV_VARS} variables.`);
    }
    for (const [name, value] of entries) {
      if (!ENV_NAME_RE.test(name)) {
        throw invalid('env_vars', `"${name.slice(0, 40)}" is not a variable name (letters, digits and _, not starting with a digit).`);
      }
      if (typeof value !== 'string' || value.length > MAX_ENV_VALUE) {
        throw invalid('env_vars', `The value of ${name} must be text of at most ${MAX_ENV_VALUE} characters.`);
      }
    }
    if (entries.length > 0) {
      out.envVars = Object.fromEntries(entries);
    }
  }
  return out;
}

/** The documented snake_case body; absent fields are left out (the server's defaults apply). */
export function provisionBody(req: ProvisionSandboxRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { task_id: req.taskId };
  if (req.imageId !== undefined) body.image_id = req.imageId;
  if (req.image !== undefined) body.image = req.image;
  if (req.ttlSeconds !== undefined) body.ttl_seconds = req.ttlSeconds;
  if (req.envVars !== undefined) body.env_vars = req.envVars;
  return body;
}

export function checkWait(taskId: string, timeoutSeconds: number | undefined, pollIntervalSeconds: number | undefined):
  { taskId: string; timeoutSeconds?: number; pollIntervalSeconds?: number } {
  return {
    taskId: checkTaskId(taskId),
    timeoutSeconds: checkRange('timeout', timeoutSeconds, SANDBOX_WAIT_TIMEOUT_MIN, SANDBOX_WAIT_TIMEOUT_MAX),
    pollIntervalSeconds: checkRange('poll_interval', pollIntervalSeconds, SANDBOX_POLL_MIN, SANDBOX_POLL_MAX),
  };
}
