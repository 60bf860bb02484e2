# signal(signo, handler): installs handler for signo, with the trampoline that returns through
# sigreturn. The kernel enters the handler with a0 = signo, a1 = badvaddr, a2 = frame,
# a3 = cause, sp = frame and ra = the trampoline; a handler may change the frame's saved pc
# (FRAME_PC) to resume elsewhere, e.g. past the faulting instruction. Returns the old handler.
        .include "unix/unix.inc"
        .text
        .globl  signal
signal:
        la      a2, sigtramp
        syscall SYS_SIGACTION
        ret

sigtramp:
        syscall SYS_SIGRETURN
