/* The inbox page: written in the page change that follows this placeholder. */
