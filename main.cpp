#include "gateway/app/app.hpp"
#include "gateway/app/malloc_tuning.hpp"

int main(int argc, char** argv) {
    lgw::gateway::tuneAllocatorForDocuments();
    return lgw::gateway::runCli(argc, argv);
}
