/** SDK version, sent as `x-twins-sdk: typescript/<VERSION>`. Kept equal to package.json by scripts/postbuild.mjs. */
export const VERSION = '0.1.0';
