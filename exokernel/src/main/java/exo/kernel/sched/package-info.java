/**
 * The CPU: {@link exo.kernel.sched.Scheduler}, the time-slice vector, context switches, yield
 * and protected control transfer.
 */
package exo.kernel.sched;
