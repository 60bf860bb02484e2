/* hello: the same output as guest-programs/src/hello.s, for start-up against start-up. */
#include <stdio.h>
int main(int argc, char **argv) {
    (void)argv;
    printf("hello, world\n");
    printf("argc=%d\n", argc);
    return 0;
}
