# crt0: the minimal start-up stub. The loader leaves a0 = argc, a1 = argv and sp pointing at
# argc (docs/kernel-abi.md, "Start-up"); main(argc, argv) returns its exit status in a0, which
# goes straight to env_exit. The full library OS replaces this with its own start-up.
        .include "exo/kernel.inc"

        .text
        .globl  _start
        .extern main
_start:
        call    main
        sys_env_exit
