/**
 * A guest's refused request: the error codes kernel calls return
 * ({@link exo.kernel.error.KernelError}) and the exception that carries one to the dispatcher
 * ({@link exo.kernel.error.GuestError}).
 */
package exo.kernel.error;
