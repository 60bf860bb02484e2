package exo.kernel.error;

/**
 * Thrown inside the kernel when a guest's request is refused; the dispatcher catches it at one
 * place and returns {@link KernelError#code} to the guest. It carries no stack trace: it is a
 * result, not a bug (a bug in the kernel is an {@link IllegalStateException}).
 */
public final class GuestError extends RuntimeException {
    public final KernelError error;

    public GuestError(KernelError error) {
        super(error.symbol, null, false, false);
        this.error = error;
    }
}
