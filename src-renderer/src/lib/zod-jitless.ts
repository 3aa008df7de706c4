/**
 * The renderer's CSP forbids eval, which zod's JIT fast path uses. This module is imported
 * first (App.svelte) so the flag is set before any schema (preprocessing steps) is created.
 */
import { z } from 'zod';

z.config({ jitless: true });
