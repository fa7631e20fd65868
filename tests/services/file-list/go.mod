module example.com/filelist

go 1.23
