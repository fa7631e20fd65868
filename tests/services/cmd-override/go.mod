module example.com/cmdoverride

go 1.22
