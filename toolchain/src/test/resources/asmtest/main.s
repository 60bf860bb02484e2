.include "inc/defs.s"
.data
.byte K
