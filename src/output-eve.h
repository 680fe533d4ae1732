/* output-eve.h */
