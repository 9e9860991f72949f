/* checks/registry.c — every check Railgate knows, by id. One line per check file. */
#include "guard/check.h"

#include <string.h>

const rg_check_ops_t *const rg_check_registry[] = {
    NULL,
};

const rg_check_ops_t *rg_check_find(const char *id)
{
    for (size_t i = 0; rg_check_registry[i]; i++)
        if (strcmp(rg_check_registry[i]->id, id) == 0)
            return rg_check_registry[i];
    return NULL;
}
