/**
 * The AWS SDK for JavaScript v3 warns on Node.js 20 that its releases after January 2027 need
 * Node.js 22 (README, "Known issues in dependencies"). Lambda runs 22; in a developer's terminal,
 * and in the output of a tool meant to be piped, the notice would bury the answer. One home for
 * the variable that silences it, for the commands and for the processes they start.
 */

/** The environment that silences the notice; merge it into a child process's environment. */
export const AWS_SDK_NOTICE_OFF = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as const;

/** Silences the notice in this process, unless the variable is already set. */
export function silenceAwsSdkNodeNotice(env: NodeJS.ProcessEnv = process.env): void {
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= AWS_SDK_NOTICE_OFF.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
}
