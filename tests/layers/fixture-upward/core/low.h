// A fixture for the layer check's twin test: a core header that reaches up into sim.
#pragma once
#include "sim/high.h"
