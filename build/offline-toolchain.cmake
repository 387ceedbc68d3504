# Lets WAMR (built by deno_core's QuickJS backend) use Debian's libsimde-dev
# instead of cloning simde from GitHub, which these machines cannot reach.
# Where the header is absent this file changes nothing.
if(EXISTS "/usr/include/simde/wasm/simd128.h")
  set(FETCHCONTENT_SOURCE_DIR_SIMDE "/usr/include" CACHE PATH "Debian's simde headers")
endif()
