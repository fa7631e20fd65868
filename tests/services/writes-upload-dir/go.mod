module example.com/writesuploaddir

go 1.22
