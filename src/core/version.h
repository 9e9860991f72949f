#ifndef RG_VERSION_H
#define RG_VERSION_H
#define RG_VERSION "0.1.0"
#endif
