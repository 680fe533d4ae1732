/* decode-int.h */
