// libedit's native editline and history API (histedit.h), from Debian's libedit-dev.
#include <histedit.h>
