export * from './errors.js';
export * from './hash.js';
export { projectRoot, modelsDir } from './project-root.js';
