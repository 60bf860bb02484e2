/**
 * Environments: the per-environment state ({@link exo.kernel.env.Environment}), the table of
 * live ones and the one on the CPU ({@link exo.kernel.env.Environments}), how one ends
 * ({@link exo.kernel.env.Lifecycle}), and the event codes handlers are installed for
 * ({@link exo.kernel.env.KernelEvent}).
 */
package exo.kernel.env;
