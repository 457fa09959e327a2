// A fixture for the layer check's twin test: a sim header, which core must not include.
#pragma once
