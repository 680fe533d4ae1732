/* stream-int.h */
