/**
 * Common vitest settings for every package. Workspace packages resolve to their
 * TypeScript sources (as the `source` export condition does for tsx and tsc),
 * so tests never need a build; third-party packages resolve as vitest defaults.
 */
export declare function packageTestConfig(name: string, overrides?: {
    testTimeout?: number;
    include?: string[];
    globalSetup?: string[];
}): import("vite").UserConfig;
//# sourceMappingURL=vitest.shared.d.ts.map