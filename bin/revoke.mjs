#!/usr/bin/env node
// Launcher for the package `bin` entry tollbooth-revoke: package bins must be runnable JavaScript, so
// this loads the TypeScript command with tsx's loader (a devDependency; see README, "Local stack and tools").
import { tsImport } from 'tsx/esm/api';

await tsImport('./revoke.ts', import.meta.url);
