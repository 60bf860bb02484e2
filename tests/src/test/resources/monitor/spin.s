# Never ends: the monitor's terminal test stops it with Ctrl-C.
        .text
        .globl main
main:
spin_forever:
        addi    t0, t0, 1
        j       spin_forever
