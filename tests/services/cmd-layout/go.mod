module example.com/cmdlayout

go 1.22
