package incidents
