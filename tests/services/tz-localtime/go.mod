module example.com/tzlocaltime

go 1.22
